/* The two convolution kernels on the 3x3 stride-1 shapes of GoogLeNet and
   Inception-v3 (batch 1, pad 1): the direct GEMM kernel against Winograd
   F(4x4, 3x3), best of 20 runs each, and their largest difference
   (random inputs in [-0.5, 0.5], weights in [-0.1, 0.1]). From the
   repository root, with the AVX-512 kernels (the x86-64-v4 object the
   build makes, kc 64 and nc 512 here):

     ninja -C build InceptionUkernelObjects
     clang-22 -O3 -fopenmp -march=native -DINCEPTION_UK_MR=6 \
       -DINCEPTION_UK_NR=64 -DINCEPTION_UK_VL=16 bench/conv3x3_kernels.c \
       build/runtime/ukernels/ukernels_x86_64_v4.o -o /tmp/conv3x3 -lm
     OMP_NUM_THREADS=1 /tmp/conv3x3
*/
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>
#include <omp.h>
#include "../runtime/ukernels/ukernel_abi.h"
enum { MR = INCEPTION_UK_MR, NR = INCEPTION_UK_NR, KC = 64, NC = 512 };
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
typedef struct {const char*name;int ci,co,h,w;} L;
static L layers[]={
 {"conv3 3x3",64,192,56,56},{"3a 3x3",96,128,28,28},{"3a 3x3b",16,32,28,28},{"3b 3x3",128,192,28,28},{"4a 3x3",96,208,14,14},
 {"4e 3x3",160,320,14,14},{"5b 3x3",192,384,7,7},{"v3 35 3x3",64,96,35,35},{"v3 35 96",96,96,35,35},{"v3 147",32,64,147,147},{"v3 8 3x3",448,384,8,8},
};
static const double G[6][3]={{1./4,0,0},{-1./6,-1./6,-1./6},{-1./6,1./6,-1./6},{1./24,1./12,1./6},{1./24,-1./12,1./6},{0,0,1}};
int main(int argc,char**argv){
  double tg=0,tw=0;
  for(unsigned li=0;li<sizeof layers/sizeof*layers;li++){
    L l=layers[li]; int oh=l.h,ow=l.w; long K=l.ci*9,M=l.co; long mp=(M+MR-1)/MR; long cop=(M+NR-1)/NR;
    float*in=aligned_alloc(64,((size_t)l.ci*l.h*l.w*4+63)/64*64);
    float*w=malloc(M*K*4), *f=aligned_alloc(64,(mp*MR*K*4+63)/64*64), *u=aligned_alloc(64,36*cop*NR*l.ci*4);
    float*o1=malloc((size_t)M*oh*ow*4),*o2=malloc((size_t)M*oh*ow*4),*bias=malloc(M*4);
    srand(1);
    for(long i=0;i<(long)l.ci*l.h*l.w;i++)in[i]=rand()/(float)RAND_MAX-0.5f;
    for(long i=0;i<M*K;i++)w[i]=(rand()/(float)RAND_MAX-0.5f)*0.2f;
    for(long i=0;i<M;i++)bias[i]=0.1f*(i%3);
    for(long m=0;m<mp*MR;m++)for(long k=0;k<K;k++)f[(m/MR)*K*MR+k*MR+m%MR]=m<M?w[m*K+k]:0;
    for(long i=0;i<36*cop*NR*l.ci;i++)u[i]=0;
    for(long co=0;co<M;co++)for(long ci=0;ci<l.ci;ci++){const float*g=w+co*K+ci*9; double t[6][3],U[6][6];
      for(int a=0;a<6;a++)for(int b=0;b<3;b++){t[a][b]=0;for(int c=0;c<3;c++)t[a][b]+=G[a][c]*g[c*3+b];}
      for(int a=0;a<6;a++)for(int b=0;b<6;b++){U[a][b]=0;for(int c=0;c<3;c++)U[a][b]+=t[a][c]*G[b][c];}
      for(int xi=0;xi<36;xi++)u[(((co/NR)*36+xi)*l.ci+ci)*NR+co%NR]=U[xi/6][xi%6];}
    /* The threads' scratch, as a model's workspace holds it (ukernel_abi.h). */
    int64_t gemm_scratch=inception_uk_conv2d_scratch(MR,KC,NC);
    int64_t wino_scratch=inception_uk_winograd_scratch(INCEPTION_UK_WINOGRAD3X3_POSITIONS,MR,NR,INCEPTION_UK_DEFAULT_L2,l.ci);
    int64_t per_thread=gemm_scratch>wino_scratch?gemm_scratch:wino_scratch;
    char*scratch=aligned_alloc(64,(size_t)per_thread*omp_get_max_threads());
    double bg=1e9,bw=1e9;
    for(int r=0;r<20;r++){
      double t0=now();
      inception_uk_conv2d_params p={.input=in,.input_channel_stride=l.h*l.w,.input_row_stride=l.w,.input_lanes=1,.filter=f,.bias=bias,
        .output=o1,.output_channel_stride=oh*ow,.output_row_stride=ow,.relu=1,.batch=1,.in_channels=l.ci,.out_channels=M,
        .in_h=l.h,.in_w=l.w,.kernel_h=3,.kernel_w=3,.out_h=oh,.out_w=ow,.stride_h=1,.stride_w=1,.dilation_h=1,.dilation_w=1,
        .pad_top=1,.pad_left=1,.scratch=scratch,.scratch_per_thread=gemm_scratch,.kc=KC,.nc=NC,.l1=INCEPTION_UK_DEFAULT_L1,.l2=INCEPTION_UK_DEFAULT_L2};
      inception_uk_conv2d(&p);
      double t1=now();
      p.output=o2; p.filter=u; p.scratch_per_thread=wino_scratch;
      inception_uk_winograd3x3(&p);
      double t2=now(); if(t1-t0<bg)bg=t1-t0; if(t2-t1<bw)bw=t2-t1;
    }
    double err=0,mx=0; for(long i=0;i<M*oh*ow;i++){double e=fabs(o1[i]-o2[i]); if(e>err)err=e; if(fabs(o1[i])>mx)mx=fabs(o1[i]);}
    double fl=2.0*M*K*oh*ow;
    printf("%-10s gemm %7.3f ms (%5.1f GF)  wino %7.3f ms (%5.1f eff GF) x%.2f  maxerr %.2e (max %.2f)\n",l.name,bg*1e3,fl/bg*1e-9,bw*1e3,fl/bw*1e-9,bg/bw,err,mx);
    tg+=bg;tw+=bw;
    free(scratch);
  }
  printf("total gemm %.3f wino %.3f\n",tg*1e3,tw*1e3);
}
