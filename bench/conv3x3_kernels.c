/* The two convolution kernels on the 3x3 stride-1 shapes of GoogLeNet and
   Inception-v3 (batch 1, pad 1): the direct GEMM kernel against Winograd
   F(4x4, 3x3), best of 20 runs each, and their largest difference
   (random inputs in [-0.5, 0.5], weights in [-0.1, 0.1]). From the
   repository root, with the AVX-512 tile inceptionc uses here:

     bench/vector_kernels.sh /tmp/vector_kernels.o 6 64 16
     clang-22 -O3 -fopenmp -march=native -mprefer-vector-width=512 \
       -DINCEPTION_UK_MR=6 -DINCEPTION_UK_NR=64 -DINCEPTION_UK_VL=16 \
       -DINCEPTION_UK_KC=64 -DINCEPTION_UK_NC=512 bench/conv3x3_kernels.c \
       /tmp/vector_kernels.o -o /tmp/conv3x3 -lm
     OMP_NUM_THREADS=1 /tmp/conv3x3
*/
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>
#include <omp.h>
#include "../runtime/ukernels/conv2d_gemm.c"
#include "../runtime/ukernels/winograd.c"
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
      for(int xi=0;xi<36;xi++)u[((xi*cop+co/NR)*l.ci+ci)*NR+co%NR]=U[xi/6][xi%6];}
    /* The threads' scratch, as a model's workspace holds it (ukernel_abi.h). */
    int64_t gemm_scratch=inception_uk_conv2d_scratch(MR,KC,NC);
    int64_t wino_scratch=inception_uk_winograd_scratch(MR,NR,INCEPTION_UK_L2,l.ci,M);
    int64_t per_thread=gemm_scratch>wino_scratch?gemm_scratch:wino_scratch;
    char*scratch=aligned_alloc(64,(size_t)per_thread*omp_get_max_threads());
    double bg=1e9,bw=1e9;
    for(int r=0;r<20;r++){
      double t0=now();
      inception_uk_conv2d((intptr_t)in,0,l.h*l.w,l.w,(intptr_t)f,(intptr_t)bias,0,0,0,0,(intptr_t)o1,0,oh*ow,ow,0,1,1,M,l.ci,l.h,l.w,3,3,oh,ow,1,1,1,1,1,1,(intptr_t)scratch,gemm_scratch);
      double t1=now();
      inception_uk_winograd3x3((intptr_t)in,0,l.h*l.w,l.w,(intptr_t)u,(intptr_t)bias,0,0,0,0,(intptr_t)o2,0,oh*ow,ow,1,1,M,l.ci,l.h,l.w,oh,ow,1,1,(intptr_t)scratch,wino_scratch);
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
